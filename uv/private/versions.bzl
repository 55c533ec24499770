"""The pinned uv release and its PyPI wheels, one per supported host (data only).

`UV_WHEELS`: host platform (`<os>_<cpu>`) -> struct(url, sha256), the wheel
whose `uv-<version>.data/scripts/uv` (`uv.exe` on Windows) `uv_binary` exposes.

To update: set `UV_VERSION`, then take each wheel's URL and sha256 from
https://pypi.org/pypi/uv/<version>/json (or https://pypi.org/simple/uv/, whose
links end in `#sha256=<hash>`). Linux uses the manylinux2014 wheels (glibc
2.17 or newer), not the musllinux-only ones. Check at least one hash by
downloading the wheel (`curl -sL <url> | sha256sum`).
"""

UV_VERSION = "0.13.8"

_FILES = "https://files.pythonhosted.org/packages/"

UV_WHEELS = {
    "linux_aarch64": struct(
        url = _FILES + "9e/f0/d989ac5fcebf83f1c8c5d78974f27788e8364945969eb646f5d0db35d924/uv-0.13.8-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl",
        sha256 = "0b3e8b1a4f5e405e31e2ff33de8af4744831e9f7338539671efbd8c3c94e791d",
    ),
    "linux_x86_64": struct(
        url = _FILES + "c5/32/52ee34636aea1ab3f8baeeae1c3599461b8cddfb379862cc72ac61b8d91c/uv-0.13.8-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        sha256 = "e18a57b8b352eb7c8feb317b9f6f533c8f0ad9673fd6cf34bbe3cf1a9f6a8984",
    ),
    "macos_arm64": struct(
        url = _FILES + "84/46/deb3a1eb3020575e41d1f9840c07185761d8d4c25cd6f58e813afb017476/uv-0.13.8-py3-none-macosx_11_0_arm64.whl",
        sha256 = "62b6943c7fd64fac6854f780bea6e0359e5a5bc3241f83ee357bb38276afac49",
    ),
    "macos_x86_64": struct(
        url = _FILES + "be/7a/fd8a719c0198f8f8341847fc33b377f25ac79f7c4a56dbce5ceb086f239c/uv-0.13.8-py3-none-macosx_10_12_x86_64.whl",
        sha256 = "b7124ca1956ec2e476a1003ea5715a15f0266afaec37f4dc9c6972ba8183e6d1",
    ),
    "windows_x86_64": struct(
        url = _FILES + "6a/1d/d813afac1a7cbe3eeeca8709b47bdcd5e5189d08364b8d7a9f693082f0f1/uv-0.13.8-py3-none-win_amd64.whl",
        sha256 = "cfbc13020a64cdf2f116d2936824c38edbf41e5c07f1ea291baf02e31ebf3ed0",
    ),
}
