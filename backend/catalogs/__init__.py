"""代码表: every code table as data, versioned, imported from files and looked up as you type."""
