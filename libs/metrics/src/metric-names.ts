/** Every metric the chat exports besides prom-client's process defaults. */
export const METRIC = {
  httpRequests: 'http_requests_total',
  httpDuration: 'http_request_duration_seconds',
  connections: 'chat_ws_connections',
  framesReceived: 'chat_ws_frames_received_total',
  framesSent: 'chat_ws_frames_sent_total',
  framesRejected: 'chat_ws_frames_rejected_total',
  rateLimited: 'chat_ws_rate_limited_total',
  slowConsumers: 'chat_ws_slow_consumer_disconnects_total',
  connectionsRefused: 'chat_ws_connections_refused_total',
  messagesStored: 'chat_messages_stored_total',
  eventsBroadcast: 'chat_events_broadcast_total',
  broadcastDuration: 'chat_broadcast_duration_seconds',
  avatarJobs: 'chat_avatar_jobs_total',
  avatarJobDuration: 'chat_avatar_job_duration_seconds',
  databasePoolInUse: 'chat_db_pool_connections_in_use',
} as const;
