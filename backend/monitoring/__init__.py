"""业务监控: the live board of the work waiting at each step, and the inspectors in the field.

A watcher above the domains (like the sync transport): it reads their tables to count, and no domain
imports it.
"""
