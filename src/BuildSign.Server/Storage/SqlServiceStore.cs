using System.Data.Common;
using System.Globalization;
using BuildSign.Core.Keys.Remote.Audit;

namespace BuildSign.Server.Storage;

/// <summary>
/// <see cref="IServiceStore"/> over ADO.NET with portable SQL. Times are stored as ISO 8601 UTC text
/// (sortable), sequence numbers as 64-bit integers, everything else as text.
/// </summary>
public sealed class SqlServiceStore(Func<DbConnection> connect, SqlDialect dialect) : IServiceStore
{
    // One writer at a time inside this process; the database serializes instances.
    private readonly SemaphoreSlim _auditWriter = new(1, 1);

    private static readonly string[] Schema =
    [
        "CREATE TABLE IF NOT EXISTS subscribers (id TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, subscriber_id TEXT NULL, role TEXT NOT NULL, key_ids TEXT NULL, hash TEXT NOT NULL UNIQUE, expires TEXT NOT NULL, revoked TEXT NULL, created TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS keys (id TEXT PRIMARY KEY, subscriber_id TEXT NOT NULL, name TEXT NOT NULL, algorithm TEXT NOT NULL, pkcs11_id TEXT NOT NULL, public_key TEXT NOT NULL, certificate_chain TEXT NULL, disabled INTEGER NOT NULL, oidc_policy TEXT NULL, created TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS audit (seq BIGINT PRIMARY KEY, time TEXT NOT NULL, subscriber_id TEXT NULL, key_id TEXT NULL, action TEXT NOT NULL, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS audit_key_time ON audit (key_id, time)",
        "CREATE INDEX IF NOT EXISTS audit_subscriber ON audit (subscriber_id, seq)",
        "CREATE TABLE IF NOT EXISTS idempotency (scope TEXT NOT NULL, idem_key TEXT NOT NULL, request_hash TEXT NOT NULL, response TEXT NOT NULL, created TEXT NOT NULL, PRIMARY KEY (scope, idem_key))",
        "CREATE TABLE IF NOT EXISTS oidc_token_ids (issuer TEXT NOT NULL, jti TEXT NOT NULL, expires TEXT NOT NULL, PRIMARY KEY (issuer, jti))",
    ];

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var statement in Schema)
        {
            await ExecuteAsync(connection, null, statement, [], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT COUNT(*) FROM subscribers", []);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <inheritdoc />
    public Task AddSubscriberAsync(SubscriberRecord subscriber, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO subscribers (id, name, created) VALUES (@id, @name, @created)",
            [("id", subscriber.Id), ("name", subscriber.Name), ("created", Time(subscriber.Created))], cancellationToken);

    /// <inheritdoc />
    public async Task<SubscriberRecord?> FindSubscriberAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT id, name, created FROM subscribers WHERE id = @id", [("id", id)],
            r => new SubscriberRecord(r.GetString(0), r.GetString(1), ParseTime(r.GetString(2))), cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public Task AddTokenAsync(TokenRecord token, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO tokens (id, subscriber_id, role, key_ids, hash, expires, revoked, created) VALUES (@id, @sub, @role, @keys, @hash, @expires, NULL, @created)",
            [("id", token.Id), ("sub", token.SubscriberId), ("role", token.Role), ("keys", token.KeyIds is null ? null : string.Join(',', token.KeyIds)),
             ("hash", token.Hash), ("expires", Time(token.Expires)), ("created", Time(token.Created))], cancellationToken);

    /// <inheritdoc />
    public async Task<TokenRecord?> FindTokenByHashAsync(string hash, CancellationToken cancellationToken) =>
        (await QueryAsync(TokenSelect + " WHERE hash = @hash", [("hash", hash)], ReadToken, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public async Task<TokenRecord?> FindTokenAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync(TokenSelect + " WHERE id = @id", [("id", id)], ReadToken, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public Task RevokeTokenAsync(string id, DateTimeOffset when, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE tokens SET revoked = @when WHERE id = @id AND revoked IS NULL", [("id", id), ("when", Time(when))], cancellationToken);

    /// <inheritdoc />
    public Task AddKeyAsync(KeyRecord key, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO keys (id, subscriber_id, name, algorithm, pkcs11_id, public_key, certificate_chain, disabled, oidc_policy, created) VALUES (@id, @sub, @name, @alg, @p11, @pub, @chain, 0, @policy, @created)",
            [("id", key.Id), ("sub", key.SubscriberId), ("name", key.Name), ("alg", key.Algorithm), ("p11", key.Pkcs11Id), ("pub", key.PublicKey),
             ("chain", key.CertificateChainPem), ("policy", key.OidcPolicyJson), ("created", Time(key.Created))], cancellationToken);

    /// <inheritdoc />
    public async Task<KeyRecord?> FindKeyAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync(KeySelect + " WHERE id = @id", [("id", id)], ReadKey, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc />
    public async Task<IReadOnlyList<KeyRecord>> ListKeysAsync(string subscriberId, CancellationToken cancellationToken) =>
        await QueryAsync(KeySelect + " WHERE subscriber_id = @sub ORDER BY created, id", [("sub", subscriberId)], ReadKey, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task SetCertificateAsync(string keyId, string chainPem, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE keys SET certificate_chain = @chain WHERE id = @id", [("id", keyId), ("chain", chainPem)], cancellationToken);

    /// <inheritdoc />
    public Task SetOidcPolicyAsync(string keyId, string policyJson, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE keys SET oidc_policy = @policy WHERE id = @id", [("id", keyId), ("policy", policyJson)], cancellationToken);

    /// <inheritdoc />
    public Task DisableKeyAsync(string keyId, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE keys SET disabled = 1 WHERE id = @id", [("id", keyId)], cancellationToken);

    /// <inheritdoc />
    public async Task<IdempotentResponse?> AppendAuditAsync(IReadOnlyList<AuditDraft> drafts, IdempotencyEntry? idempotency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        await _auditWriter.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (dialect.LockAuditSql.Length > 0)
            {
                await ExecuteAsync(connection, transaction, dialect.LockAuditSql, [], cancellationToken).ConfigureAwait(false);
            }
            if (idempotency is not null)
            {
                var stored = await FindIdempotentAsync(connection, transaction, idempotency.Scope, idempotency.Key, cancellationToken).ConfigureAwait(false);
                if (stored is not null)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return stored;
                }
                await ExecuteAsync(connection, transaction, "INSERT INTO idempotency (scope, idem_key, request_hash, response, created) VALUES (@scope, @key, @hash, @response, @created)",
                    [("scope", idempotency.Scope), ("key", idempotency.Key), ("hash", idempotency.RequestHash), ("response", idempotency.ResponseJson), ("created", Time(idempotency.Created))], cancellationToken).ConfigureAwait(false);
            }
            long last = 0;
            var previous = AuditChainHash.Genesis;
            await using (var command = Command(connection, transaction, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", []))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    last = reader.GetInt64(0);
                    previous = reader.GetString(1);
                }
            }
            foreach (var draft in drafts)
            {
                var sequence = ++last;
                var body = draft.Body(sequence);
                var hash = AuditChainHash.Link(previous, AuditChainHash.OfBody(body));
                await ExecuteAsync(connection, transaction, "INSERT INTO audit (seq, time, subscriber_id, key_id, action, body, prev_hash, hash) VALUES (@seq, @time, @sub, @key, @action, @body, @prev, @hash)",
                    [("seq", sequence), ("time", Time(draft.Time)), ("sub", draft.SubscriberId), ("key", draft.KeyId), ("action", draft.Action), ("body", body), ("prev", previous), ("hash", hash)], cancellationToken).ConfigureAwait(false);
                previous = hash;
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        finally
        {
            _auditWriter.Release();
        }
    }

    /// <inheritdoc />
    public async Task<IdempotentResponse?> FindIdempotentAsync(string scope, string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await FindIdempotentAsync(connection, null, scope, key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = "SELECT seq, time, subscriber_id, key_id, action, body, prev_hash, hash FROM audit WHERE seq > @after";
        var parameters = new List<(string, object?)> { ("after", query.AfterSequence) };
        if (query.SubscriberId is not null) { sql += " AND subscriber_id = @sub"; parameters.Add(("sub", query.SubscriberId)); }
        if (query.KeyId is not null) { sql += " AND key_id = @key"; parameters.Add(("key", query.KeyId)); }
        if (query.From is { } from) { sql += " AND time >= @from"; parameters.Add(("from", Time(from))); }
        if (query.To is { } to) { sql += " AND time <= @to"; parameters.Add(("to", Time(to))); }
        if (query.DigestHex is not null) { sql += " AND body LIKE @digest"; parameters.Add(("digest", "%\"" + query.DigestHex + "\"%")); }
        sql += " ORDER BY seq LIMIT " + query.Limit.ToString(CultureInfo.InvariantCulture);
        return await QueryAsync(sql, parameters, r => new AuditRecord(r.GetInt64(0), ParseTime(r.GetString(1)), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> RememberTokenIdAsync(string issuer, string tokenId, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "DELETE FROM oidc_token_ids WHERE expires < @now", [("now", Time(DateTimeOffset.UtcNow))], cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "INSERT INTO oidc_token_ids (issuer, jti, expires) VALUES (@iss, @jti, @expires) ON CONFLICT DO NOTHING",
            [("iss", issuer), ("jti", tokenId), ("expires", Time(expires))]);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private const string TokenSelect = "SELECT id, subscriber_id, role, key_ids, hash, expires, revoked, created FROM tokens";

    private const string KeySelect = "SELECT id, subscriber_id, name, algorithm, pkcs11_id, public_key, certificate_chain, disabled, oidc_policy, created FROM keys";

    private static TokenRecord ReadToken(DbDataReader r) => new(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2),
        r.IsDBNull(3) ? null : r.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries), r.GetString(4), ParseTime(r.GetString(5)),
        r.IsDBNull(6) ? null : ParseTime(r.GetString(6)), ParseTime(r.GetString(7)));

    private static KeyRecord ReadKey(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        r.IsDBNull(6) ? null : r.GetString(6), Convert.ToInt64(r.GetValue(7), CultureInfo.InvariantCulture) != 0, r.IsDBNull(8) ? null : r.GetString(8), ParseTime(r.GetString(9)));

    private static async Task<IdempotentResponse?> FindIdempotentAsync(DbConnection connection, DbTransaction? transaction, string scope, string key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT request_hash, response FROM idempotency WHERE scope = @scope AND idem_key = @key", [("scope", scope), ("key", key)]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? new IdempotentResponse(reader.GetString(0), reader.GetString(1)) : null;
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = connect();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private async Task ExecuteAsync(string sql, IReadOnlyList<(string, object?)> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, sql, parameters, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<(string, object?)> parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<T>> QueryAsync<T>(string sql, IReadOnlyList<(string, object?)> parameters, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            results.Add(read(reader));
        }
        return results;
    }

#pragma warning disable CA2100 // Every statement is a constant of this class; values always travel as parameters.
    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
#pragma warning restore CA2100

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
