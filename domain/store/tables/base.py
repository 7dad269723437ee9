"""What every table module shares: constraint names (so migrations can drop them) and enum columns."""

import sqlalchemy as sa
from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def enum_column(enum_class) -> sa.Enum:
    """Enums are stored as their names in a VARCHAR, so adding a value needs no type migration."""
    return sa.Enum(enum_class, native_enum=False, length=24, validate_strings=True)
