"""Rows of ``public.organization_integrations`` as the repository returns them.

``Integration`` has one field per column a client may read. ``vault_secret_id``
is deliberately not one of them: ``authenticated`` cannot select it, and
admins read it through ``public.get_integration_vault_secret_id`` instead
(``OrganizationIntegrationRepository.get_vault_secret_id``). The JSONB
columns are parsed with the version 1 models of ``config_models``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from org_integrations.config_models import FieldMappings, SyncSchedule


class IntegrationStatus(StrEnum):
    """``public.integration_status``."""

    INACTIVE = "inactive"
    ACTIVE = "active"
    ERROR = "error"


class Integration(BaseModel):
    """One integration, as an admin, a coordinator or ``service_role`` may read it."""

    model_config = ConfigDict(frozen=True)

    id: UUID
    organization_id: UUID
    provider: str
    display_name: str | None
    status: IntegrationStatus
    field_mappings: FieldMappings
    sync_schedule: SyncSchedule
    created_at: datetime
    updated_at: datetime
    created_by: UUID | None
