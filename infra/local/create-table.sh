#!/usr/bin/env bash
# Creates the task table on a local emulator as template.yaml declares it: key, sparse sweep index, TTL.
# Usage: infra/local/create-table.sh http://127.0.0.1:PORT [TABLE_NAME]
set -euo pipefail
endpoint=${1:?usage: $0 ENDPOINT_URL [TABLE_NAME]}
table=${2:-task-lifecycle}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
aws --endpoint-url "$endpoint" dynamodb create-table \
  --table-name "$table" \
  --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=taskId,AttributeType=S AttributeName=sweepKind,AttributeType=S \
      AttributeName=sweepSince,AttributeType=N \
  --key-schema AttributeName=taskId,KeyType=HASH \
  --global-secondary-indexes \
      'IndexName=sweep,KeySchema=[{AttributeName=sweepKind,KeyType=HASH},{AttributeName=sweepSince,KeyType=RANGE}],Projection={ProjectionType=ALL}' >/dev/null
aws --endpoint-url "$endpoint" dynamodb wait table-exists --table-name "$table"
aws --endpoint-url "$endpoint" dynamodb update-time-to-live --table-name "$table" \
  --time-to-live-specification Enabled=true,AttributeName=expiresAt >/dev/null
echo "table $table ready at $endpoint"
