"""Imports 17 packages of a 216-package lock, as an application's start-up does."""

import boto3
import cryptography.fernet
import django
import fastapi
import httpx
import jupyterlab
import matplotlib
import networkx
import pandas
import PIL.Image
import pydantic
import rich.console
import sklearn.linear_model
import sphinx.application
import sqlalchemy
import sympy
import yaml

MODULES = [boto3, cryptography.fernet, django, fastapi, httpx, jupyterlab, matplotlib, networkx, pandas, PIL.Image]
MODULES += [pydantic, rich.console, sklearn.linear_model, sphinx.application, sqlalchemy, sympy, yaml]
print(len(MODULES), "modules")
