"""template.yaml through the SAM transform, offline, printed as the CloudFormation JSON it becomes.

The aws-sam-translator that cfn-lint brings does what CloudFormation's AWS::Serverless transform does; the code is
given an S3 location as `sam deploy` gives it after uploading target/function.zip. No AWS call is made: the region
is a stand-in and no managed policy is looked up by name.

Usage: AWS_DEFAULT_REGION=us-east-1 python3 sam_translate.py TEMPLATE [Name=Value ...]
"""
import json
import sys

from cfnlint.decode import decode
from samtranslator.translator.transform import transform


class NoManagedPolicies:
    def load(self):
        return {}


def main() -> None:
    template, problems = decode(sys.argv[1])
    if problems:
        raise SystemExit(f"{sys.argv[1]} does not parse: {problems}")
    template = json.loads(json.dumps(template, default=str))
    template["Globals"]["Function"]["CodeUri"] = "s3://bucket/function.zip"
    parameters = dict(pair.split("=", 1) for pair in sys.argv[2:])
    print(json.dumps(transform(template, parameters, NoManagedPolicies())))


if __name__ == "__main__":
    main()
