interface KeyNotes {
  doc?: string;
  secret?: boolean;
}

const notesByClass = new WeakMap<object, Map<string, KeyNotes>>();

function note(notes: KeyNotes): PropertyDecorator {
  return (prototype, propertyKey) => {
    const byKey = notesByClass.get(prototype) ?? new Map<string, KeyNotes>();
    byKey.set(String(propertyKey), { ...byKey.get(String(propertyKey)), ...notes });
    notesByClass.set(prototype, byKey);
  };
}

/** One line describing a config key, printed by `--help` and kept next to the key it explains. */
export const Doc = (doc: string): PropertyDecorator => note({ doc });

/** Marks a config key whose value must never be printed, not even in a validation error. */
export const Secret = (): PropertyDecorator => note({ secret: true });

export function keyNotes(prototype: object, key: string): KeyNotes {
  for (let proto: object | null = prototype; proto; proto = Object.getPrototypeOf(proto)) {
    const found = notesByClass.get(proto)?.get(key);
    if (found) return found;
  }
  return {};
}
