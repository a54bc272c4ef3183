-- The schema `create_all` made before migrations (lichthidua 0.1.0), postgresql: tests/test_migrations.py builds it.

CREATE TABLE feed_revision (
	calendar_id VARCHAR(200) NOT NULL, 
	uid VARCHAR(500) NOT NULL, 
	fingerprint VARCHAR(100) NOT NULL, 
	sequence INTEGER NOT NULL, 
	dtstamp TIMESTAMP WITH TIME ZONE NOT NULL, 
	start DATE NOT NULL, 
	event_json TEXT NOT NULL, 
	deleted_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (calendar_id, uid)
);

CREATE TABLE reminder (
	id SERIAL NOT NULL, 
	occurrence_uid VARCHAR NOT NULL, 
	calendar_id VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	offset_days INTEGER NOT NULL, 
	recipient_key VARCHAR NOT NULL, 
	party_key VARCHAR NOT NULL, 
	party_name VARCHAR NOT NULL, 
	email VARCHAR NOT NULL, 
	send_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	due_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	status VARCHAR NOT NULL, 
	claimed_by VARCHAR, 
	lease_until TIMESTAMP WITH TIME ZONE, 
	not_before TIMESTAMP WITH TIME ZONE, 
	attempts INTEGER NOT NULL, 
	sent_at TIMESTAMP WITH TIME ZONE, 
	message_id VARCHAR, 
	last_error VARCHAR, 
	updated_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_reminder_once UNIQUE (occurrence_uid, recipient_key, offset_days)
);

CREATE INDEX ix_reminder_calendar_id ON reminder (calendar_id);

CREATE INDEX ix_reminder_occurrence_party ON reminder (occurrence_uid, party_key);

CREATE INDEX ix_reminder_status_send_at ON reminder (status, send_at);

CREATE TABLE reminder_optout (
	id SERIAL NOT NULL, 
	email VARCHAR NOT NULL, 
	scope VARCHAR NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_optout_once UNIQUE (email, scope)
);

CREATE TABLE reminder_subscription (
	id SERIAL NOT NULL, 
	email VARCHAR NOT NULL, 
	calendar_id VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	nonce VARCHAR NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	confirmed_at TIMESTAMP WITH TIME ZONE, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_subscription_once UNIQUE (email, calendar_id)
);

CREATE TABLE submission (
	id SERIAL NOT NULL, 
	occurrence_uid VARCHAR NOT NULL, 
	party_key VARCHAR NOT NULL, 
	submitted_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_submission_once UNIQUE (occurrence_uid, party_key)
);
