"""The built-in workbook kinds, shipped as schema files."""
