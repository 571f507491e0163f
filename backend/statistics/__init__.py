"""查询统计 and 时效: figures over a period for a district and its subordinates, counted in SQL.

A watcher above the domains: it reads their tables, no domain imports it.
"""
