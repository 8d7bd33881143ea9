-- Subscribers: key material and SQN in columns, the session-management profile as JSON.
CREATE TABLE subscribers (
    supi        TEXT    NOT NULL PRIMARY KEY,            -- 15 IMSI digits
    k           BLOB    NOT NULL CHECK (length(k) = 16),
    opc         BLOB             CHECK (opc IS NULL OR length(opc) = 16),
    op          BLOB             CHECK (op IS NULL OR length(op) = 16),
    amf         INTEGER NOT NULL CHECK (amf BETWEEN 0 AND 65535),
    sqn         INTEGER NOT NULL CHECK (sqn BETWEEN 0 AND 281474976710656), -- next SQN, <= 2^48
    auth_method TEXT    NOT NULL,
    msisdn      TEXT,
    profile     TEXT    NOT NULL,                        -- JSON: ue_ambr, slices
    CHECK ((opc IS NULL) <> (op IS NULL))
) WITHOUT ROWID;
