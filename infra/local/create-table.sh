#!/usr/bin/env bash
# Creates the task table on a local emulator, with the key schema of template.yaml's TaskTable.
# Usage: infra/local/create-table.sh http://127.0.0.1:PORT [TABLE_NAME]
set -euo pipefail
endpoint=${1:?usage: $0 ENDPOINT_URL [TABLE_NAME]}
table=${2:-task-lifecycle}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
aws --endpoint-url "$endpoint" dynamodb create-table \
  --table-name "$table" \
  --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=taskId,AttributeType=S \
  --key-schema AttributeName=taskId,KeyType=HASH
aws --endpoint-url "$endpoint" dynamodb wait table-exists --table-name "$table"
echo "table $table ready at $endpoint"
