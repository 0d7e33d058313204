package web

func (s *Server) keyRoutes() {}
