// The same call with the AWS SDK for JavaScript v3 (@aws-sdk/client-sfn), unchanged
// application code: the endpoint comes from AWS_ENDPOINT_URL_SFN, the region from AWS_REGION.
"use strict";
const {
  SFNClient,
  StartExecutionCommand,
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
} = require("@aws-sdk/client-sfn");

// --- the application's code ---------------------------------------------------------------
function scheduleClass(client, stateMachineArn, className, start, end) {
  return client.send(
    new StartExecutionCommand({
      stateMachineArn,
      input: JSON.stringify({ start, end }),
      name: className,
    })
  );
}
// -------------------------------------------------------------------------------------------

function describeError(e) {
  return {
    name: e.name,
    statusCode: e.$metadata && e.$metadata.httpStatusCode,
    message: e.message,
    isExecutionAlreadyExists: e instanceof ExecutionAlreadyExists,
  };
}

async function main() {
  const [stateMachineArn, className, start, end] = process.argv.slice(2);
  const client = new SFNClient({ maxAttempts: 1 });
  const started = await scheduleClass(client, stateMachineArn, className, start, end);
  const described = await client.send(
    new DescribeExecutionCommand({ executionArn: started.executionArn })
  );
  const errors = {};
  try {
    await scheduleClass(client, stateMachineArn, className, start, "2099-01-01T00:00:00Z");
  } catch (e) {
    errors.duplicate = describeError(e);
  }
  try {
    // v3 does not check lengths on the client: the server's ValidationException answers
    await scheduleClass(client, stateMachineArn, "n".repeat(81), start, end);
  } catch (e) {
    errors.longName = describeError(e);
  }
  console.log(
    JSON.stringify({
      sdk: "@aws-sdk/client-sfn",
      started: { executionArn: started.executionArn, startDate: started.startDate.toISOString() },
      described: {
        name: described.name,
        status: described.status,
        input: described.input,
        startDate: described.startDate.toISOString(),
      },
      errors,
    })
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
