"""bench_floor: `count` actions that run an empty Python tool the way the ruleset's tools run (the floor of an action)."""

load("//py:utils.bzl", "py_tools_exec_groups", "run_py_tool")

def _bench_floor_impl(ctx):
    outs = []
    for i in range(ctx.attr.count):
        out = ctx.actions.declare_file("%s/%d.txt" % (ctx.label.name, i))
        args = ctx.actions.args()
        args.add(out)
        run_py_tool(
            ctx,
            tool = ctx.file._tool,
            args = args,
            inputs = [],
            outputs = [out],
            mnemonic = "PyFloor",
            progress_message = "Floor action %d of %%{label}" % i,
        )
        outs.append(out)
    return [DefaultInfo(files = depset(outs))]

bench_floor = rule(
    implementation = _bench_floor_impl,
    doc = "Benchmark only: the per-action floor WhlInstall and PyVenv are compared with (tools/bench/action_cost.py).",
    attrs = {
        "count": attr.int(default = 20),
        "_tool": attr.label(default = "floor.py", allow_single_file = True),
    },
    exec_groups = py_tools_exec_groups(),
)
