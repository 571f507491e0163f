"""Shared by every domain: base model mixins, auth, permissions, pagination, enums, the API object."""
