-- Which instance answers for each persistent MQTT session (issue #10). Mosquitto keeps routing a
-- shared subscription's messages to a member whose session persists after its connection dropped,
-- and queues them there: with one of two instances dead, half of what rigs publish would wait for it.
-- Each instance renews the rows of its own sessions (MQTT_CLIENT_ID, <id>.2, …); a row past
-- `expires_at` is taken by a live instance, which resumes that session, takes it out of the share
-- group and drains what was queued.
CREATE TABLE IF NOT EXISTS mqtt_session_leases (
  client_id text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL
);
