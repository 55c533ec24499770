"""Providers of rules_xpy's lock integration. Every field documents its type."""

UvTargetPlatformInfo = provider(
    doc = "A hub's description of the target platform of the current configuration (what the planner planned for).",
    fields = {
        "json": "str: the platform as JSON (the fields of the platform model's TargetPlatform: name, os, cpu, libc, libc_version, macos_version, python_version, implementation, abi); empty when the configuration matches none of the hub's target platforms.",
    },
)
