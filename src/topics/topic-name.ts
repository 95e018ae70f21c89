import { UsageError } from '../errors.js';

/** Kafka's own rule (Topic.validate): 1-249 of [a-zA-Z0-9._-], not "." or "..". */
export function assertTopicName(name: string): void {
  if (name.length === 0 || name.length > 249 || !/^[a-zA-Z0-9._-]+$/.test(name) || name === '.' || name === '..') {
    throw new UsageError(`"${name}" is not a valid topic name`, 'use 1-249 characters of a-z, A-Z, 0-9, ".", "_" and "-"');
  }
}
