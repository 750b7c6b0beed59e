// Bundles the workflow code once per variant per test run; every worker in the run reuses it. A
// worker started with `workflowsPath` bundles the same way from its configuration: tracing adds the
// OpenTelemetry workflow interceptors, encryption the failure converter that encrypts failure messages.
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { encryptedFailureConverterPath } from '../../src/codec/data-converter';
import { tracingWorkflowInterceptorModules } from '../../src/tracing';

export interface BundleVariant {
  tracing?: boolean;
  encryption?: boolean;
}

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();
const quiet = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

export function workflowBundle(variant: BundleVariant = {}): Promise<WorkflowBundleWithSourceMap> {
  const key = `${variant.tracing ? 'tracing' : ''}+${variant.encryption ? 'encryption' : ''}`;
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath: require.resolve('../../src/workflows'),
      ...(variant.tracing ? { workflowInterceptorModules: [...tracingWorkflowInterceptorModules] } : {}),
      ...(variant.encryption ? { failureConverterPath: encryptedFailureConverterPath } : {}),
      logger: quiet,
    });
    bundles.set(key, bundle);
  }
  return bundle;
}
