"""指令管理: inspection instructions created by risk rules or by hand, assigned to inspectors."""
