// The classroom system's scheduling call, as its Node.js Lambda makes it (AWS SDK for
// JavaScript v2), unchanged. Only configuration points the SDK at aslrun:
// ASLRUN_ENDPOINT becomes the Step Functions endpoint (AWS.config.stepfunctions).
"use strict";
const AWS = require("aws-sdk");

if (process.env.ASLRUN_ENDPOINT) {
  AWS.config.stepfunctions = { endpoint: process.env.ASLRUN_ENDPOINT };
}
AWS.config.update({ maxRetries: 0, httpOptions: { timeout: 20000, connectTimeout: 5000 } });

// --- the application's code ---------------------------------------------------------------
function scheduleClass(stateMachineArn, className, start, end) {
  return new AWS.StepFunctions()
    .startExecution({ stateMachineArn, input: JSON.stringify({ start, end }), name: className })
    .promise();
}
// -------------------------------------------------------------------------------------------

async function main() {
  const [stateMachineArn, className, start, end] = process.argv.slice(2);
  const started = await scheduleClass(stateMachineArn, className, start, end);
  const sfn = new AWS.StepFunctions();
  const described = await sfn.describeExecution({ executionArn: started.executionArn }).promise();
  const errors = {};
  try {
    await scheduleClass(stateMachineArn, className, start, "2099-01-01T00:00:00Z");
  } catch (e) {
    errors.duplicate = { code: e.code, statusCode: e.statusCode, message: e.message };
  }
  try {
    await sfn.describeExecution({ executionArn: started.executionArn + "-nope" }).promise();
  } catch (e) {
    errors.missing = { code: e.code, statusCode: e.statusCode, message: e.message };
  }
  console.log(
    JSON.stringify({
      sdk: "aws-sdk v2",
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
