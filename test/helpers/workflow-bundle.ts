// Bundles the workflow code once per test run; every worker in the run reuses it. The tracing bundle
// adds the OpenTelemetry workflow interceptors, as a worker with OTEL_TRACES_EXPORTER set does.
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { tracingWorkflowInterceptorModules } from '../../src/tracing';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
let tracingBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

const quiet = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: quiet });
  return bundle;
}

export function tracingWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  tracingBundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    workflowInterceptorModules: [...tracingWorkflowInterceptorModules],
    logger: quiet,
  });
  return tracingBundle;
}
