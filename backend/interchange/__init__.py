"""互联互通 interchange: every receipt of a Single Window application, delivered back to the Single Window.

A transactional outbox (models.OutboxMessage, written by capture.py in the transaction that writes the
receipt), a documented and signed message (documents.py; docs/interchange/receipt.xsd), delivery by the
job engine with retries, backoff and parking (delivery.py, tasks.py), an administrators' view with retry
and a pull feed for system clients (service.py, api.py). The transport sits above the domains: it
listens to the declarations' receipts, and no domain imports it.
"""
