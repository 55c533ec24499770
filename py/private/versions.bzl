"""Pinned wheels of the ruleset's own Python dependencies (data only).

Each entry: distribution name -> struct(url, sha256, deps). All are pure
`py3-none-any` wheels from PyPI; to update one, change its version in the URL
and its sha256 (from https://pypi.org/pypi/<name>/<version>/json).
"""

_FILES = "https://files.pythonhosted.org/packages/"

TOOL_WHEELS = {
    "build": struct(
        url = _FILES + "ad/9b/9fb3585dabcd73a1b2a6267f63f62649347c9e6d072c9fde365b105abb2c/build-1.6.1-py3-none-any.whl",
        sha256 = "ecd351a4be9d35a9eaaba244a7687143c9c7d4aea6ac964e7e7ddab20cbcf4e7",
        deps = ["packaging", "pyproject_hooks"],
    ),
    "installer": struct(
        url = _FILES + "d7/7a/63547a792a12148882205d79e07644091d5b7690f40c2bb9d41452a8bdc2/installer-1.1.0-py3-none-any.whl",
        sha256 = "f55f5728ff61d3dd54dbc5a397cf3f7307cb64b180c20b72afbebf01c9e2c8a0",
        deps = [],
    ),
    "iniconfig": struct(
        url = _FILES + "56/43/4ca9e49d27a1fcf6bece6f6aec0ea46bb9112489b93d4b688fb415457bdb/iniconfig-2.3.1-py3-none-any.whl",
        sha256 = "9121e2c1fdb355232495be3194c8dfe87ccc2d5dee45947b78e68f499790d7a7",
        deps = [],
    ),
    "packaging": struct(
        url = _FILES + "63/34/ba1c580383c9eada3711951fef0795c80b829a078d72188184bcab9dd527/packaging-26.3-py3-none-any.whl",
        sha256 = "d7193f7c8e4e93f444fde0262bf90af30e16fa0ad0ad44cb553c87339b23cd1c",
        deps = [],
    ),
    "pex": struct(
        url = _FILES + "13/b0/05e282e3052d15d5320b1dad225f44255336a0a651422d14aa4dcce7676d/pex-2.105.2-py3.py312-none-any.whl",
        sha256 = "1330f9a145410ea9588703a56206638af7f376a583cdaedabf4e04e598573bc5",
        deps = [],
    ),
    "pluggy": struct(
        url = _FILES + "40/9e/2b38731e0fc536806f16490e1a12d7f0dc2a1235aa8cc07bcc75416a7daa/pluggy-1.7.0-py3-none-any.whl",
        sha256 = "7dd7b0d8832ba3cb632c306926ded123429211b83641b35dc5c41ad2d34f9bec",
        deps = [],
    ),
    "pygments": struct(
        url = _FILES + "71/46/17f022dd3e953bf20a04a028a21ec746d942f8d2af30fa0f124fa0e6a684/pygments-2.21.0-py3-none-any.whl",
        sha256 = "2363c69b61c4a97c838da3b130dcd6468f4848992b21a82f2a63ec34377137d9",
        deps = [],
    ),
    "pyproject_hooks": struct(
        url = _FILES + "85/11/044d1ae1b4ec0d7af88ee5bc91e081be1022533032b906a7bdabdbb60977/pyproject_hooks-1.3.3-py3-none-any.whl",
        sha256 = "5fc53fdac9f7bd63fbcdc868fb5f90b4784d78a53a3d3388cd738b807441a20b",
        deps = [],
    ),
    "pytest": struct(
        url = _FILES + "51/39/1f5d8c8877a0fa327db959c19341d4be61660de1ab6b7391f9eb805bcd67/pytest-9.2.0-py3-none-any.whl",
        sha256 = "07acdcf88ec174f907dc01af70bf52d49b014bbab03faeeade31c96b18c2e588",
        deps = ["iniconfig", "packaging", "pluggy", "pygments"],
    ),
}
