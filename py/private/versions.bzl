"""Pinned wheels of the ruleset's own Python dependencies (data only).

Each entry: distribution name (with `_`) -> struct(url, sha256, deps), where
`deps` are keys of the run-time dependencies (on Python >= 3.11). All are pure
`py3-none-any` wheels from PyPI; to update one, change its URL and sha256 (from
https://pypi.org/pypi/<name>/json or https://pypi.org/simple/<name>/) and check
its `Requires-Dist` against `deps`.

`coverage` runs py_venv_test under `bazel coverage` (its pure wheel: the
Python tracer, on any target).

Besides the tools' own dependencies, this pins the default build backends
that sdist builds fall back on when the lock lacks a build requirement
(uv/private/sdist_build): setuptools, wheel, hatchling, flit_core,
poetry_core, pdm_backend, setuptools_scm, and their dependencies.
"""

_FILES = "https://files.pythonhosted.org/packages/"

TOOL_WHEELS = {
    "build": struct(
        url = _FILES + "ad/9b/9fb3585dabcd73a1b2a6267f63f62649347c9e6d072c9fde365b105abb2c/build-1.6.1-py3-none-any.whl",
        sha256 = "ecd351a4be9d35a9eaaba244a7687143c9c7d4aea6ac964e7e7ddab20cbcf4e7",
        deps = ["packaging", "pyproject_hooks"],
    ),
    "coverage": struct(
        url = _FILES + "d1/8e/f7d7e69e2ad34ce08595b787eb578f669c00fd57d432ed4c7cfd71666f36/coverage-7.17.3-py3-none-any.whl",
        sha256 = "21745c08f2835b847a16887b748d3084dddeb0571ae2a0d62e33644413568b99",
        deps = [],
    ),
    "flit_core": struct(
        url = _FILES + "d9/f0/e546c28b937f094b354ca29b9060c5f1dd5043a332b2905049a51420b7a2/flit_core-4.2.0-py3-none-any.whl",
        sha256 = "2bee22dc8ba89c2e35b4e1ad575e596aac945c85672dd8f3cad21b629036e044",
        deps = [],
    ),
    "hatchling": struct(
        url = _FILES + "32/64/4afe5dd77b2939a93e8c9513f8082dbd049ecba9c1484a379a0f6ae29d6b/hatchling-1.33.0-py3-none-any.whl",
        sha256 = "415290b84f464d2884303fca8974d38e7b85579069fab02a15db0828fbb1446d",
        deps = ["packaging", "pathspec", "pluggy", "tomlkit", "trove_classifiers"],
    ),
    "iniconfig": struct(
        url = _FILES + "56/43/4ca9e49d27a1fcf6bece6f6aec0ea46bb9112489b93d4b688fb415457bdb/iniconfig-2.3.1-py3-none-any.whl",
        sha256 = "9121e2c1fdb355232495be3194c8dfe87ccc2d5dee45947b78e68f499790d7a7",
        deps = [],
    ),
    "installer": struct(
        url = _FILES + "d7/7a/63547a792a12148882205d79e07644091d5b7690f40c2bb9d41452a8bdc2/installer-1.1.0-py3-none-any.whl",
        sha256 = "f55f5728ff61d3dd54dbc5a397cf3f7307cb64b180c20b72afbebf01c9e2c8a0",
        deps = [],
    ),
    "packaging": struct(
        url = _FILES + "63/34/ba1c580383c9eada3711951fef0795c80b829a078d72188184bcab9dd527/packaging-26.3-py3-none-any.whl",
        sha256 = "d7193f7c8e4e93f444fde0262bf90af30e16fa0ad0ad44cb553c87339b23cd1c",
        deps = [],
    ),
    "pathspec": struct(
        url = _FILES + "f1/d9/7fb5aa316bc299258e68c73ba3bddbc499654a07f151cba08f6153988714/pathspec-1.1.1-py3-none-any.whl",
        sha256 = "a00ce642f577bf7f473932318056212bc4f8bfdf53128c78bbd5af0b9b20b189",
        deps = [],
    ),
    "pdm_backend": struct(
        url = _FILES + "5e/a6/c743c589188f9e45e1a7c8f3e2e725f9b5df5decd72779fbfc1695b45866/pdm_backend-2.5.0-py3-none-any.whl",
        sha256 = "5b8746b567a16a1fd506ce66ee28e89d46374526f52238aa1b96cc2c08245c63",
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
    "poetry_core": struct(
        url = _FILES + "b7/25/7ed0a2ea4fe12f7fd0394387b5debbcd6fdbd06e5ac9daab96ba11471da8/poetry_core-2.5.0-py3-none-any.whl",
        sha256 = "98ee465b66f7e14bb9fbe68fb5e00d0cff184f036993ec94610ae4b5612f3add",
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
    "setuptools": struct(
        url = _FILES + "ef/55/6dc6d6bb953bdfc52519a0059592c52b6e3b8ad51cf8256dffceb55b0610/setuptools-84.2.1-py3-none-any.whl",
        sha256 = "ca140b45d5325a9478f880e351484f62fef15f336462e449ca0c03c873d589c2",
        deps = [],
    ),
    "setuptools_scm": struct(
        url = _FILES + "da/f5/54538a1f17ea753c42b0928dc2e62986d463f8c393340b9a1e602f2d4dd9/setuptools_scm-10.3.4-py3-none-any.whl",
        sha256 = "82f34c3e3084fc2b57d397200637cc13f2338004052d2fee47baa5f0e902464e",
        deps = ["packaging", "setuptools", "vcs_versioning"],
    ),
    "tomlkit": struct(
        url = _FILES + "da/46/7d84138a60a8bd796825b2d38ebe92d0d16501ca57d501b7c5d677401bbc/tomlkit-0.15.2-py3-none-any.whl",
        sha256 = "05562412163a3037b94497385fb7f9204c637bc605af7a48199e41cf2272f437",
        deps = [],
    ),
    "trove_classifiers": struct(
        url = _FILES + "30/81/0da8afb52a71d0a4f2bd3152357b1a441e393b286374802b9d3addab4ab5/trove_classifiers-2026.9.21.13-py3-none-any.whl",
        sha256 = "8b1ff4f9c191b1040b71c37f1e445ab99732911e3cd91de52838453a854d7a17",
        deps = [],
    ),
    "vcs_versioning": struct(
        url = _FILES + "73/1d/ad4064bf12f4503bf61e65d74c93c523672776d25ee0a06aaf42ae09ef3f/vcs_versioning-2.6.0-py3-none-any.whl",
        sha256 = "f8bebd1302ebc12e67ceb30fc7dd698ec969414b6fa43b30c3f14ac9b1e72c41",
        deps = ["packaging"],
    ),
    "wheel": struct(
        url = _FILES + "2e/29/69cfbb602cd91690c55d38ba9fe53e6a7e76a6fa647bf38f19c138d25449/wheel-0.48.0-py3-none-any.whl",
        sha256 = "3217dcc807155e45db462d7ef2431f5ddda0d7273b700d05a67b271ceb1287ab",
        deps = ["packaging"],
    ),
}
