import type { SchemaDocuments } from './schema-documents.js';
import { referenceModel, type SchemaModel } from './schema-model.js';

/** What both loaders share: `$ref`s resolved when met, their targets loaded on first use. */
export abstract class ReferenceLoader {
  /** One schema per `$ref` target, shared by every `$ref` to it, so recursion shows up as a repeated pair. */
  private readonly targets = new Map<unknown, SchemaModel>();

  constructor(private readonly documents: SchemaDocuments) {}

  abstract load(json: unknown): SchemaModel;

  /** A `$ref` (a keyword of `holder`); throws RefResolutionError now if it resolves to nothing. */
  protected reference(holder: object, ref: string): SchemaModel {
    const { value } = this.documents.resolve(holder, ref);
    return referenceModel(ref, () => {
      let model = this.targets.get(value);
      if (!model) {
        model = this.load(value);
        if (typeof value === 'object') this.targets.set(value, model);
      }
      return model;
    });
  }
}
