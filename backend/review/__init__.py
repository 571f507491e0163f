"""单证审核 and 布控规则: document review of accepted applications, and the risk rules run on approval."""
