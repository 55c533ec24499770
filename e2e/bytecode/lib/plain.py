"""Not precompiled."""

X = 1
