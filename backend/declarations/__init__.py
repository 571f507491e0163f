"""电子底账申请: export inspection applications, their receipts and e-records."""
