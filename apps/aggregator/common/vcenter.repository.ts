import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { DataSource } from 'typeorm';
import { badRequest } from '@vcc/platform';

/** vCenters as the API names them: by catalogue name (any case) or by id. */
@Injectable()
export class VcenterRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The id of the vCenter `nameOrId` names. An id is taken as given, since summaries outlive a
   * catalogue entry; a name must be in the catalogue (else 400 naming `field`).
   */
  async resolve(field: string, nameOrId: string | undefined): Promise<string | undefined> {
    if (nameOrId === undefined || isUUID(nameOrId)) return nameOrId;
    const rows: { id: string }[] = await this.dataSource.query(
      'SELECT id FROM vcenter WHERE lower(name) = lower($1)',
      [nameOrId],
    );
    if (!rows.length) throw badRequest(field, `${field}: no vCenter is named ${JSON.stringify(nameOrId)}`);
    return rows[0].id;
  }

  /** Names of the vCenters in the catalogue, by id, for showing summaries. */
  async names(): Promise<Map<string, string>> {
    const rows: { id: string; name: string }[] = await this.dataSource.query('SELECT id, name FROM vcenter');
    return new Map(rows.map((row) => [row.id, row.name]));
  }
}
