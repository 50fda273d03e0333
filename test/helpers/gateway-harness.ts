/**
 * Starts the fake upstream and a real RouteCodex server on real ports, with one provider of each
 * upstream type pointing at the fake. Tests talk to `gateway.url` over HTTP like any client.
 */
import { startFakeUpstream, type FakeUpstream } from '../../src/routecodex/testing/fake-upstream/index.js';
import { startRouteCodex, type RouteCodexServer } from '../../src/routecodex/start.js';
import { silentLogger } from '../../src/shared/logger.js';
import { tempDir } from './temp-dir.js';

export type UpstreamKind = 'openai' | 'responses' | 'anthropic' | 'gemini';

/** The forced-target model name that reaches each upstream kind in `fourProviderConfig`. */
export const TARGET_OF: Record<UpstreamKind, string> = {
  openai: 'oa.gpt-test',
  responses: 'rs.resp-test',
  anthropic: 'an.claude-test',
  gemini: 'gm.gemini-test',
};

export function fourProviderConfig(fakeUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const vr = (extra.virtualrouter as Record<string, unknown> | undefined) ?? {};
  return {
    serverId: 'test',
    httpserver: { host: '127.0.0.1', port: 0 },
    ...extra,
    virtualrouter: {
      providers: {
        oa: { type: 'openai', baseURL: `${fakeUrl}/v1`, auth: { type: 'apikey', apiKey: 'k-oa' }, models: ['gpt-test'] },
        rs: { type: 'responses', baseURL: `${fakeUrl}/v1`, auth: { type: 'apikey', apiKey: 'k-rs' }, models: ['resp-test'] },
        an: { type: 'anthropic', baseURL: fakeUrl, auth: { type: 'apikey', apiKey: 'k-an' }, models: ['claude-test'] },
        gm: { type: 'gemini', baseURL: `${fakeUrl}/v1beta`, auth: { type: 'apikey', apiKey: 'k-gm' }, models: ['gemini-test'] },
      },
      routing: { default: ['oa.gpt-test'] },
      ...vr,
    },
  };
}

export interface GatewayHarness {
  fake: FakeUpstream;
  gateway: RouteCodexServer;
  home: string;
  close(): Promise<void>;
}

export async function startHarness(configFor: (fakeUrl: string) => Record<string, unknown> = (u) => fourProviderConfig(u)): Promise<GatewayHarness> {
  const fake = await startFakeUpstream({ port: 0 });
  const home = await tempDir('rcx-home-');
  let gateway: RouteCodexServer;
  try {
    gateway = await startRouteCodex({ document: configFor(fake.url), home: home.path, env: {}, logger: silentLogger() });
  } catch (e) {
    await fake.close();
    await home.remove();
    throw e;
  }
  return {
    fake,
    gateway,
    home: home.path,
    async close() {
      await gateway.close();
      await fake.close();
      await home.remove();
    },
  };
}
