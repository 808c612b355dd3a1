"""Python side of the organization-integrations database layer."""
