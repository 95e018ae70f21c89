import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../../../src/config/redis-url.js';
import { encodeRespCommand, parseRespReply } from '../../../src/dev/health.js';
import {
  REDIS_CLUSTER_SIZE,
  combineClusterState,
  parseClusterNodes,
  parseInfoFields,
  planRedisClusterNodes,
  planRedisMode,
  redisClusterCreateArgs,
  redisClusterNodeArgs,
  redisClusterNodeName,
  redisClusterSeedUrl,
  roleInView,
} from '../../../src/dev/redis-cluster.js';
import { UsageError } from '../../../src/errors.js';

const PORTS = [41001, 41002, 41003, 41004, 41005, 41006, 52001, 52002, 52003, 52004, 52005, 52006];

describe('planRedisClusterNodes', () => {
  it('gives six nodes each a client port, a bus port of its own and a dir under the stack', () => {
    const nodes = planRedisClusterNodes('/s/dev', PORTS);
    expect(nodes).toHaveLength(REDIS_CLUSTER_SIZE);
    expect(nodes[0]).toEqual({ port: 41001, busPort: 52001, pid: null, dir: '/s/dev/redis-cluster/node-41001' });
    expect(nodes[5]).toEqual({ port: 41006, busPort: 52006, pid: null, dir: '/s/dev/redis-cluster/node-41006' });
    expect(new Set(nodes.map((n) => n.dir)).size).toBe(6);
  });

  it('refuses too few or repeated ports', () => {
    expect(() => planRedisClusterNodes('/s', PORTS.slice(1))).toThrow(/12 distinct ports/);
    expect(() => planRedisClusterNodes('/s', [...PORTS.slice(0, 11), 41001])).toThrow(/12 distinct ports/);
  });

  it('names the nodes redis-1 .. redis-6', () => {
    expect([0, 5].map(redisClusterNodeName)).toEqual(['redis-1', 'redis-6']);
  });
});

describe('redis-server and redis-cli arguments', () => {
  const nodes = planRedisClusterNodes('/s/dev', PORTS);

  it('starts a node in cluster mode on loopback with its own nodes.conf, bus port and append-only file', () => {
    const args = redisClusterNodeArgs(nodes[1]!);
    const opt = (name: string) => args[args.indexOf(name) + 1];
    expect(opt('--bind')).toBe('127.0.0.1');
    expect(opt('--port')).toBe('41002');
    expect(opt('--cluster-port')).toBe('52002');
    expect(opt('--dir')).toBe('/s/dev/redis-cluster/node-41002');
    expect(opt('--cluster-enabled')).toBe('yes');
    expect(opt('--cluster-config-file')).toBe('nodes.conf');
    expect(opt('--cluster-node-timeout')).toBe('2000');
    expect(opt('--appendonly')).toBe('yes');
    expect(opt('--appendfsync')).toBe('everysec');
  });

  it('creates the cluster from all six nodes with one replica per master, without asking', () => {
    expect(redisClusterCreateArgs(nodes)).toEqual([
      '--cluster', 'create',
      '127.0.0.1:41001', '127.0.0.1:41002', '127.0.0.1:41003', '127.0.0.1:41004', '127.0.0.1:41005', '127.0.0.1:41006',
      '--cluster-replicas', '1', '--cluster-yes',
    ]);
  });

  it('names the cluster by a seed URL of its first three nodes, which parseRedisUrl reads back', () => {
    const url = redisClusterSeedUrl(nodes);
    expect(url).toBe('redis+cluster://127.0.0.1:41001,127.0.0.1:41002,127.0.0.1:41003');
    expect(parseRedisUrl(url)).toMatchObject({ kind: 'cluster', seeds: [{ host: '127.0.0.1', port: 41001 }, { host: '127.0.0.1', port: 41002 }, { host: '127.0.0.1', port: 41003 }] });
  });
});

describe('planRedisMode', () => {
  it('a new stack: the flag decides', () => {
    expect(planRedisMode(null, true)).toEqual({ mode: 'cluster' });
    expect(planRedisMode(null, undefined)).toEqual({ mode: 'single' });
    expect(planRedisMode(null, false)).toEqual({ mode: 'single' });
  });

  it('a cluster stack keeps its cluster without the flag, and says so', () => {
    const plan = planRedisMode('cluster', undefined);
    expect(plan.mode).toBe('cluster');
    expect(plan.notice).toMatch(/Redis Cluster.*keeping it/);
    expect(planRedisMode('cluster', true)).toEqual({ mode: 'cluster' });
  });

  it('switching modes needs the stack purged first', () => {
    expect(() => planRedisMode('single', true)).toThrow(UsageError);
    expect(() => planRedisMode('single', true)).toThrow(/single Redis, not a Redis Cluster/);
    expect(() => planRedisMode('cluster', false)).toThrow(/Redis Cluster, not a single Redis/);
    try {
      planRedisMode('single', true);
    } catch (err) {
      expect((err as UsageError).hint).toMatch(/dev down --purge/);
      expect((err as UsageError).exitCode).toBe(2);
    }
  });

  it('a single-Redis stack stays single', () => {
    expect(planRedisMode('single', undefined)).toEqual({ mode: 'single' });
    expect(planRedisMode('single', false)).toEqual({ mode: 'single' });
  });
});

// CLUSTER NODES of redis 7.0 after a failover (41001 killed, 41005 promoted), as seen by 41005 and by 41004.
const AFTER_FAILOVER_FROM_41005 = `b8497952 127.0.0.1:41003@52003 master - 0 1796164447384 3 connected 10923-16383
4974e402 127.0.0.1:41005@52005 myself,master - 0 1796164447384 7 connected 0-5460
c3ffce89 127.0.0.1:41004@52004 slave b8497952 0 1796164447384 3 connected
5686e6fb 127.0.0.1:41001@52001 master,fail - 1796164444356 1796164443350 1 disconnected
1a7e725c 127.0.0.1:41002@52002 master - 0 1796164446000 2 connected 5461-10922
83323161 127.0.0.1:41006@52006 slave 1a7e725c 0 1796164447384 2 connected
`;
const FROM_41004 = AFTER_FAILOVER_FROM_41005.replace('myself,master', 'master').replace('52004 slave', '52004 myself,slave');

describe('CLUSTER NODES and CLUSTER INFO', () => {
  it('reads each line: id, address without the bus port, flags, master and slots', () => {
    const lines = parseClusterNodes(AFTER_FAILOVER_FROM_41005);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toEqual({ id: 'b8497952', address: '127.0.0.1:41003', flags: ['master'], masterId: null, linkState: 'connected', slots: ['10923-16383'] });
    expect(lines[2]).toMatchObject({ address: '127.0.0.1:41004', flags: ['slave'], masterId: 'b8497952', slots: [] });
    expect(lines[3]).toMatchObject({ flags: ['master', 'fail'], linkState: 'disconnected' });
    expect(parseClusterNodes('abc 127.0.0.1:1@2,myhost myself,master - 0 0 1 connected 0-1 [5->-x]\n')[0]).toMatchObject({ address: '127.0.0.1:1', slots: ['0-1', '[5->-x]'] });
  });

  it('takes a node role from its own line: a promoted replica is a master with the slots, a replica names its master', () => {
    expect(roleInView(parseClusterNodes(AFTER_FAILOVER_FROM_41005))).toEqual({ role: 'master', slots: ['0-5460'] });
    expect(roleInView(parseClusterNodes(FROM_41004))).toEqual({ role: 'replica', master: '127.0.0.1:41003' });
    expect(roleInView([])).toEqual({ role: null });
  });

  it('reads INFO fields and combines cluster_state: ok only when every answering node says ok', () => {
    expect(parseInfoFields('cluster_state:ok\r\ncluster_slots_assigned:16384\r\n')).toEqual({ cluster_state: 'ok', cluster_slots_assigned: '16384' });
    expect(parseInfoFields('# Replication\r\nrole:slave\r\nmaster_link_status:up\r\n')).toMatchObject({ role: 'slave', master_link_status: 'up' });
    expect(combineClusterState(['ok', undefined, 'ok'])).toBe('ok');
    expect(combineClusterState(['ok', 'fail'])).toBe('fail');
    expect(combineClusterState([undefined, undefined])).toBeNull();
  });
});

describe('RESP for the health checks', () => {
  it('encodes a command as an array of bulk strings', () => {
    expect(encodeRespCommand(['CLUSTER', 'NODES']).toString()).toBe('*2\r\n$7\r\nCLUSTER\r\n$5\r\nNODES\r\n');
    expect(encodeRespCommand(['SET', 'ü', '']).toString()).toBe('*3\r\n$3\r\nSET\r\n$2\r\nü\r\n$0\r\n\r\n');
  });

  it('reads simple strings, errors, integers and bulk strings, and waits for an incomplete one', () => {
    expect(parseRespReply(Buffer.from('+PONG\r\n'))).toEqual({ ok: true, value: 'PONG' });
    expect(parseRespReply(Buffer.from('-LOADING Redis is loading\r\n'))).toEqual({ ok: false, error: 'LOADING Redis is loading' });
    expect(parseRespReply(Buffer.from(':3\r\n'))).toEqual({ ok: true, value: 3 });
    expect(parseRespReply(Buffer.from('$-1\r\n'))).toEqual({ ok: true, value: null });
    const bulk = Buffer.from('$20\r\ncluster_state:ok\r\nab\r\n');
    expect(parseRespReply(bulk)).toEqual({ ok: true, value: 'cluster_state:ok\r\nab' });
    expect(parseRespReply(bulk.subarray(0, 12))).toBeNull();
    expect(parseRespReply(Buffer.from('+PON'))).toBeNull();
    expect(parseRespReply(Buffer.from('*1\r\n'))).toMatchObject({ ok: false });
  });

  it('counts a bulk length in bytes, not characters', () => {
    expect(parseRespReply(Buffer.from('$2\r\nü\r\n'))).toEqual({ ok: true, value: 'ü' });
  });
});
