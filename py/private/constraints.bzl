"""The one table of the os, cpu and libc constraint values of rules_xpy's platform model.

Every place that writes or reads these constraints loads this file (through
`//py:utils.bzl` outside `py/`): the interpreter toolchains, the sentinel
toolchains of native sdist builds, the hubs' `config_setting`s, and the rules
that read their target platform (PyPex, WhlInstall, PySdistBuild). The names
(`linux`, `x86_64`, `glibc`, ...) are those of the Python platform model
(`py/tools/lib/xpy/platforms.py`). The libc setting (`//py/libc`) applies to
Linux only; a platform that does not set it is glibc.
"""

OS_CONSTRAINTS = {
    "linux": Label("@platforms//os:linux"),
    "macos": Label("@platforms//os:macos"),
    "windows": Label("@platforms//os:windows"),
}

CPU_CONSTRAINTS = {
    "x86_64": Label("@platforms//cpu:x86_64"),
    "aarch64": Label("@platforms//cpu:aarch64"),
}

LIBC_CONSTRAINTS = {
    "glibc": Label("//py/libc:glibc"),
    "musl": Label("//py/libc:musl"),
}

def platform_constraints(os, cpu, libc = ""):
    """The constraint labels of (os, cpu, libc); libc (Linux only) defaults to glibc.

    Args:
      os: str, a key of OS_CONSTRAINTS.
      cpu: str, a key of CPU_CONSTRAINTS.
      libc: str, a key of LIBC_CONSTRAINTS, or "" (glibc on Linux, none elsewhere).
    Returns:
      list of Label.
    """
    out = [OS_CONSTRAINTS[os], CPU_CONSTRAINTS[cpu]]
    if os == "linux":
        out.append(LIBC_CONSTRAINTS[libc or "glibc"])
    return out

def constraint_names(os, cpu, libc = ""):
    """The constraints of (os, cpu, libc) as users write them in a `platform()`, for messages.

    Args:
      os: str.
      cpu: str.
      libc: str, or "" (none named).
    Returns:
      list of str, e.g. ["@platforms//os:linux", "@platforms//cpu:x86_64", "@rules_xpy//py/libc:musl"].
    """
    return ["@platforms//os:" + os, "@platforms//cpu:" + cpu] + (["@rules_xpy//py/libc:" + libc] if libc else [])

def platform_combinations():
    """Every (os, cpu, libc) of the model; libc is "" off Linux.

    Returns:
      list of (str, str, str).
    """
    return [
        (os, cpu, libc)
        for os in OS_CONSTRAINTS
        for cpu in CPU_CONSTRAINTS
        for libc in (LIBC_CONSTRAINTS if os == "linux" else [""])
    ]

def constraints_json():
    """The three tables as JSON text (`{"os": {...}, "cpu": {...}, "libc": {...}}`, canonical labels), for generators.

    Returns:
      str.
    """
    return json.encode({
        "os": {k: str(v) for k, v in OS_CONSTRAINTS.items()},
        "cpu": {k: str(v) for k, v in CPU_CONSTRAINTS.items()},
        "libc": {k: str(v) for k, v in LIBC_CONSTRAINTS.items()},
    })

def _attr(kind, name):
    return "_xpy_%s_%s" % (kind, name)

_TABLES = {"os": OS_CONSTRAINTS, "cpu": CPU_CONSTRAINTS, "libc": LIBC_CONSTRAINTS}

# Private attributes a rule adds to read its target platform with `target_platform()`.
TARGET_PLATFORM_ATTRS = {
    _attr(kind, name): attr.label(default = label, providers = [platform_common.ConstraintValueInfo])
    for kind, table in _TABLES.items()
    for name, label in table.items()
}

def target_platform(ctx):
    """The target platform's (os, cpu, libc) by its constraints; "" where they do not say (libc: "" off Linux).

    Args:
      ctx: rule context of a rule with TARGET_PLATFORM_ATTRS.
    Returns:
      struct(os = str, cpu = str, libc = str).
    """

    def find(kind):
        found = [
            name
            for name in _TABLES[kind]
            if ctx.target_platform_has_constraint(getattr(ctx.attr, _attr(kind, name))[platform_common.ConstraintValueInfo])
        ]
        return found[0] if len(found) == 1 else ""

    os = find("os")
    return struct(os = os, cpu = find("cpu"), libc = find("libc") if os == "linux" else "")
