import type { DifferenceType } from './difference-types.js';

/** Difference types whose generic wording ("maxLength added") would mislead. */
const PHRASES: Partial<Record<DifferenceType, string>> = {
  ID_CHANGED: '$id changed',
  DEFAULT_CHANGED: 'default value changed',
  SCHEMA_ADDED: 'a schema now constrains what the original left unconstrained',
  SCHEMA_REMOVED: 'a schema was removed, so anything is accepted',
  TYPE_EXTENDED: 'type widened from integer to number',
  TYPE_NARROWED: 'type narrowed from number to integer',
  MULTIPLE_OF_EXPANDED: 'multipleOf became a multiple of its old value',
  MULTIPLE_OF_REDUCED: 'multipleOf became a divisor of its old value',
  REQUIRED_ATTRIBUTE_ADDED: 'property became required',
  REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED: 'property became required and has a default',
  REQUIRED_ATTRIBUTE_REMOVED: 'property is no longer required',
  ADDITIONAL_PROPERTIES_ADDED: 'additional properties became allowed',
  ADDITIONAL_PROPERTIES_REMOVED: 'additional properties became forbidden',
  ADDITIONAL_PROPERTIES_EXTENDED: 'the additionalProperties schema was dropped, so any additional property is accepted',
  ADDITIONAL_PROPERTIES_NARROWED: 'an additionalProperties schema now constrains additional properties',
  UNEVALUATED_PROPERTIES_ADDED: 'unevaluated properties became allowed',
  UNEVALUATED_PROPERTIES_REMOVED: 'unevaluated properties became forbidden',
  UNEVALUATED_PROPERTIES_EXTENDED: 'the unevaluatedProperties schema was dropped, so any unevaluated property is accepted',
  UNEVALUATED_PROPERTIES_NARROWED: 'an unevaluatedProperties schema now constrains unevaluated properties',
  ADDITIONAL_ITEMS_ADDED: 'additional items became allowed',
  ADDITIONAL_ITEMS_REMOVED: 'additional items became forbidden',
  ADDITIONAL_ITEMS_EXTENDED: 'the schema for additional items was dropped, so any additional item is accepted',
  ADDITIONAL_ITEMS_NARROWED: 'a schema now constrains additional items',
  UNEVALUATED_ITEMS_ADDED: 'unevaluated items became allowed',
  UNEVALUATED_ITEMS_REMOVED: 'unevaluated items became forbidden',
  UNEVALUATED_ITEMS_EXTENDED: 'the unevaluatedItems schema was dropped, so any unevaluated item is accepted',
  UNEVALUATED_ITEMS_NARROWED: 'an unevaluatedItems schema now constrains unevaluated items',
  UNIQUE_ITEMS_ADDED: 'items must now be unique',
  UNIQUE_ITEMS_REMOVED: 'items no longer need to be unique',
  DEPENDENCY_ARRAY_ADDED: 'a property dependency was added',
  DEPENDENCY_ARRAY_REMOVED: 'a property dependency was removed',
  DEPENDENCY_ARRAY_EXTENDED: 'a property dependency requires more properties',
  DEPENDENCY_ARRAY_NARROWED: 'a property dependency requires fewer properties',
  DEPENDENCY_ARRAY_CHANGED: 'a property dependency changed',
  DEPENDENCY_SCHEMA_ADDED: 'a schema dependency was added',
  DEPENDENCY_SCHEMA_REMOVED: 'a schema dependency was removed',
  ENUM_ARRAY_EXTENDED: 'enum gained values',
  ENUM_ARRAY_NARROWED: 'enum lost values',
  ENUM_ARRAY_CHANGED: 'enum or const values changed',
  COMBINED_TYPE_EXTENDED: 'allOf/anyOf/oneOf changed to a more permissive combination',
  COMBINED_TYPE_CHANGED: 'allOf/anyOf/oneOf changed to a stricter combination',
  PRODUCT_TYPE_EXTENDED: 'allOf gained subschemas',
  PRODUCT_TYPE_NARROWED: 'allOf lost subschemas',
  SUM_TYPE_EXTENDED: 'anyOf/oneOf gained subschemas',
  SUM_TYPE_NARROWED: 'anyOf/oneOf lost subschemas',
  COMBINED_TYPE_SUBSCHEMAS_CHANGED: 'allOf/anyOf/oneOf subschemas changed and cannot all be paired with compatible ones',
  NOT_TYPE_EXTENDED: 'the not schema rejects more values',
  NOT_TYPE_NARROWED: 'the not schema rejects fewer values',
  PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: 'a property was added to an open content model',
  REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: 'a required property was added to an open content model',
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL: 'a required property with a default was added to an open content model',
  OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: 'an optional property was added to an open content model, where old data may hold it with another type',
  PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: 'a property that accepts anything was added to an open content model',
  REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: 'a required property was added to a closed or partially open content model',
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL: 'a required property with a default was added to a closed or partially open content model',
  OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: 'an optional property was added to a closed or partially open content model',
  PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: 'a property was removed from an open content model',
  PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: 'a property declared false was removed from a closed content model',
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: 'a property was removed from a closed content model',
  PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: 'a removed property is still accepted by the partially open content model',
  PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: 'a removed property is not accepted by the partially open content model',
  PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: 'an added property was already accepted by the partially open content model',
  PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: 'an added property conflicts with the partially open content model',
  RESERVED_PROPERTY_REMOVED: 'a reserved property was removed',
  RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY: 'a property conflicts with a reserved property',
  ITEM_ADDED_TO_OPEN_CONTENT_MODEL: 'a tuple item was added to an open content model, where old data may hold another value there',
  ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: 'a tuple item that accepts anything was added to an open content model',
  ITEM_ADDED_TO_CLOSED_CONTENT_MODEL: 'a tuple item was added to a closed content model',
  ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL: 'a tuple item was removed from an open content model',
  ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: 'a tuple item declared false was removed from a closed content model',
  ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: 'a tuple item was removed from a closed content model',
  ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: 'a removed tuple item is still accepted by the schema for further items',
  ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: 'a removed tuple item is not accepted by the schema for further items',
  ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: 'an added tuple item was already accepted by the schema for further items',
  ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL: 'an added tuple item conflicts with the schema for further items',
};

/** Families named KEYWORD_CHANGE, worded with the keyword as JSON Schema spells it. */
const KEYWORDS: Record<string, string> = {
  MAX_LENGTH: 'maxLength',
  MIN_LENGTH: 'minLength',
  PATTERN: 'pattern',
  MAXIMUM: 'maximum',
  MINIMUM: 'minimum',
  EXCLUSIVE_MAXIMUM: 'exclusiveMaximum',
  EXCLUSIVE_MINIMUM: 'exclusiveMinimum',
  MULTIPLE_OF: 'multipleOf',
  MAX_PROPERTIES: 'maxProperties',
  MIN_PROPERTIES: 'minProperties',
  MAX_ITEMS: 'maxItems',
  MIN_ITEMS: 'minItems',
  MAX_CONTAINS: 'maxContains',
  MIN_CONTAINS: 'minContains',
};

function phrase(type: DifferenceType): string {
  const explicit = PHRASES[type];
  if (explicit) return explicit;
  const family = /^(.*)_(ADDED|REMOVED|INCREASED|DECREASED|CHANGED)$/.exec(type);
  const keyword = family && KEYWORDS[family[1] as string];
  if (family && keyword) return `${keyword} ${(family[2] as string).toLowerCase()}`;
  return type.toLowerCase().replace(/_/g, ' ');
}

/** One sentence saying where, what changed, and whether the registry accepts it. */
export function describeDifference(type: DifferenceType, path: string, compatible: boolean): string {
  return `At ${path}, ${phrase(type)} (${compatible ? 'compatible' : 'breaks compatibility'}).`;
}
