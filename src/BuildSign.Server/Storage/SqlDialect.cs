namespace BuildSign.Server.Storage;

/// <summary>The few places where SQLite and PostgreSQL differ for this store.</summary>
public sealed class SqlDialect
{
    private SqlDialect(string name, string lockAudit) 
    {
        Name = name;
        LockAuditSql = lockAudit;
    }

    /// <summary>SQLite: a write transaction (BEGIN IMMEDIATE) already excludes every other writer.</summary>
    public static SqlDialect Sqlite { get; } = new("sqlite", "");

    /// <summary>PostgreSQL: an exclusive table lock serializes appends across instances.</summary>
    public static SqlDialect PostgreSql { get; } = new("postgresql", "LOCK TABLE audit IN EXCLUSIVE MODE");

    /// <summary>The provider name used in configuration.</summary>
    public string Name { get; }

    /// <summary>The statement that makes this transaction the only audit writer, or empty.</summary>
    public string LockAuditSql { get; }
}
