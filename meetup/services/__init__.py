"""The rules: plain functions, actor passed in, add and flush, never commit."""
