package bulk

import "testing"

// TestReadCSVPartNumber: the part_number column reaches the line (Pixfra
// requires it; the service refuses a line without it).
func TestReadCSVPartNumber(t *testing.T) {
	gs, err := read(t, "reference,policy,category,serial,part_number\nPO-9,pixfra,thermal-camera,PXF1, 1.0.01.08.43501 \nPO-9,,thermal-camera,PXF2,\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 1 || gs[0].Err != nil || len(gs[0].Request.Lines) != 2 {
		t.Fatalf("groups: %+v", gs)
	}
	if got := gs[0].Request.Lines[0].PartNumber; got != "1.0.01.08.43501" {
		t.Errorf("line 1 part number %q", got)
	}
	if got := gs[0].Request.Lines[1].PartNumber; got != "" {
		t.Errorf("line 2 part number %q, want none", got)
	}
}
