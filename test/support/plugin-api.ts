// A stand-in for OpenClaw's plugin API: records the hooks and gateway methods a plugin registers, the
// messages its outbound adapter would send and what it logs (the plugin's unit tests and the bench).
import { STATUS_METHOD, type PluginApi } from "../../src/plugin/index.js";

type Handler = (event: any, ctx: any) => any;

export function fakeApi(pluginConfig: unknown) {
  const hooks = new Map<string, Handler[]>();
  const methods = new Map<string, any>();
  const sent: { channel: string; to: string; text: string }[] = [];
  const logs: string[] = [];
  const api: PluginApi = {
    pluginConfig,
    logger: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    on: (hook, handler) => void hooks.set(hook, [...(hooks.get(hook) ?? []), handler]),
    registerGatewayMethod: (method, handler) => void methods.set(method, handler),
    runtime: { channel: { outbound: { loadAdapter: async (channel) => ({ sendText: async (c: any) => void sent.push({ channel, to: c.to, text: c.text }) }) } } },
  };
  const run = (hook: string, event: unknown, ctx: unknown) => hooks.get(hook)!.map((h) => h(event, ctx))[0];
  const status = () => {
    let answer: unknown;
    methods.get(STATUS_METHOD)({ respond: (_ok: boolean, payload: unknown) => (answer = payload) });
    return answer as Record<string, unknown>;
  };
  return { api, hooks, run, status, sent, logs };
}

