package web

func (s *Server) userRoutes() {}
