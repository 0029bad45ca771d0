import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first read markers: existing accounts and members have read what their rooms hold now. In a
 * transaction of its own after AddMentionsAndReadMarkers, so it holds no more than row locks on
 * the tables it fills while it runs: accounts registered and members added meanwhile (by instances
 * of either version) already got their markers from that migration's triggers, and are left as
 * they are. Run again after a failure, it fills only what is still missing.
 */
export class StartReadMarkers1764350000001 implements MigrationInterface {
  name = 'StartReadMarkers1764350000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      INSERT INTO general_read_markers (user_id, last_read_seq)
      SELECT u.id, r.last_seq FROM users u CROSS JOIN rooms r WHERE r.id = 1
      ON CONFLICT (user_id) DO NOTHING`);
    // -1: a member from before AddMentionsAndReadMarkers.
    await queryRunner.query(`
      UPDATE room_members m SET last_read_seq = r.last_seq
        FROM rooms r
       WHERE r.id = m.room_id AND m.last_read_seq = -1`);
  }

  /** The markers go with the tables and columns, when AddMentionsAndReadMarkers is undone. */
  async down(): Promise<void> {}
}
