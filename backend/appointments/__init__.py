"""预约查检: the enterprise books an on-site inspection; customs confirms, proposes a time or declines."""
