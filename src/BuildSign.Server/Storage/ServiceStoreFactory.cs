using Microsoft.Data.Sqlite;
using Npgsql;

namespace BuildSign.Server.Storage;

/// <summary>Makes the store the configuration names: <c>sqlite</c> (default) or <c>postgresql</c>.</summary>
public static class ServiceStoreFactory
{
    /// <summary>Creates the store; throws <see cref="ServiceConfigurationException"/> for an unknown provider.</summary>
    public static IServiceStore Create(string provider, string connectionString)
    {
        switch (provider.ToLowerInvariant())
        {
            case "sqlite":
                var builder = new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 30, Pooling = true };
                using (var connection = new SqliteConnection(builder.ConnectionString))
                {
                    connection.Open();
                    using var wal = connection.CreateCommand();
                    // WAL lets readers work while one request appends to the audit chain.
                    wal.CommandText = "PRAGMA journal_mode=WAL";
                    wal.ExecuteNonQuery();
                }
                return new SqlServiceStore(() => new SqliteConnection(builder.ConnectionString), SqlDialect.Sqlite);
            case "postgresql":
                var dataSource = NpgsqlDataSource.Create(connectionString);
                return new SqlServiceStore(() => dataSource.CreateConnection(), SqlDialect.PostgreSql);
            default:
                throw new ServiceConfigurationException($"Database:Provider '{provider}' is not sqlite or postgresql");
        }
    }
}
