// The dev server registers our search attributes at start-up (--search-attribute); a real cluster
// (TEMPORAL_ADDRESS) needs them added once through the operator API before workflows can upsert them.
import { type Connection, isGrpcServiceError } from '@temporalio/client';
import { searchAttributeRegistrations } from '../shared/search-attributes';

type AddRequest = Parameters<Connection['operatorService']['addSearchAttributes']>[0];
type IndexedValueType = NonNullable<AddRequest['searchAttributes']>[string];

/** Proto enum values (temporal.api.enums.v1.IndexedValueType), kept local to avoid a direct proto dependency. */
const indexedValueType: Record<(typeof searchAttributeRegistrations)[number]['type'], IndexedValueType> = {
  Keyword: 2,
  Int: 3,
  KeywordList: 7,
};

/** gRPC status code ALREADY_EXISTS: another process registered the attribute first. */
const GRPC_ALREADY_EXISTS = 6;

export interface RegisterSearchAttributesResult {
  added: string[];
  alreadyPresent: string[];
}

/**
 * Adds any of our search attributes the namespace lacks. Idempotent; throws if one exists with a
 * different type, because workflows upserting it would then fail.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<RegisterSearchAttributesResult> {
  const existing =
    (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  const result: RegisterSearchAttributesResult = { added: [], alreadyPresent: [] };
  for (const { name, type } of searchAttributeRegistrations) {
    const wanted = indexedValueType[type];
    const current = existing[name];
    if (current !== undefined) {
      if (current !== wanted) {
        throw new Error(
          `search attribute ${name} exists in namespace ${namespace} with type ${current}, expected ${type}`,
        );
      }
      result.alreadyPresent.push(name);
      continue;
    }
    try {
      // One at a time: a batch fails as a whole when any member already exists.
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: { [name]: wanted },
      });
      result.added.push(name);
    } catch (err) {
      if (isGrpcServiceError(err) && err.code === GRPC_ALREADY_EXISTS) result.alreadyPresent.push(name);
      else throw err;
    }
  }
  return result;
}
