/** The model side of the harness: the fake upstream behind a real RouteCodex (both in this process). */
import { startModelGateway, type ModelGateway } from '../../test/helpers/model-gateway.js';

export type Upstream = ModelGateway;

export function startUpstream(): Promise<Upstream> {
  return startModelGateway({ maxRecordedRequests: 1_000_000 });
}
