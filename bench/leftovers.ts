import type { Connection } from '../src/config/resolve-connection.js';
import { withClusterSession } from '../src/kafka/cluster-session.js';
import { withTopicAdmin } from '../src/kafka/topic-admin.js';

/**
 * What a benchmark run created on the (shared) broker, deleted at its end so runs do not pile
 * up. A failure to clean is reported, never thrown: the figures are already printed.
 */
export class BenchLeftovers {
  private readonly topics = new Set<string>();
  private readonly groups = new Set<string>();

  constructor(private readonly conn: Connection, private readonly log: (m: string) => void) {}

  topic(name: string): string {
    this.topics.add(name);
    return name;
  }

  group(name: string): string {
    this.groups.add(name);
    return name;
  }

  async delete(): Promise<void> {
    const failures: string[] = [];
    await withClusterSession(this.conn, ({ groups }) => groups.delete([...this.groups])).catch((err) => failures.push(`groups ${[...this.groups].join(' ')}: ${describe(err)}`));
    if (this.topics.size) await withTopicAdmin(this.conn, (admin) => admin.deleteTopics([...this.topics])).catch((err) => failures.push(`topics ${[...this.topics].join(' ')}: ${describe(err)}`));
    this.log(failures.length ? `cleanup failed, delete by hand: ${failures.join('; ')}` : `cleaned up: ${this.topics.size} topics, ${this.groups.size} consumer groups`);
  }
}

/** kafkajs' DeleteGroups error names each group's own error. */
function describe(err: unknown): string {
  const groups = (err as { groups?: Array<{ groupId: string; error?: { type?: string } }> }).groups;
  return groups ? groups.map((g) => `${g.groupId} ${g.error?.type ?? ''}`).join(', ') : (err as Error).message;
}
