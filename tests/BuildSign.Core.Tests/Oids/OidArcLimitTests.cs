using System.Formats.Asn1;
using System.Numerics;
using System.Reflection;
using System.Text.RegularExpressions;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Pe;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Formats.Pe;
using BuildSign.Core.Tests.Timestamping;
using BuildSign.Core.Timestamping;
using BuildSign.DevTools.Timestamping;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Oids;

/// <summary>
/// Windows' ASN.1 decoder (and Wine's) keeps OID arcs in 32-bit integers and RFC 5280 asks only
/// for arcs below 2^28: every OID BuildSign writes must stay below that (docs/oids.md).
/// </summary>
public partial class OidArcLimitTests
{
    private static readonly BigInteger Limit = BigInteger.One << 28;

    [GeneratedRegex(@"^[0-2](\.[0-9]+)+$")]
    private static partial Regex OidShape();

    /// <summary>Constants that are read, never written: signatures made before the OID change.</summary>
    private static readonly string[] ReadOnlyConstants = [nameof(WellKnownOids.LegacyKeyProtectionAttribute)];

    // Core and the dev tools (the dev TSA writes its policy OID into every token it issues).
    private static IEnumerable<(string Name, string Oid)> OidConstantsInCore() =>
        from type in typeof(WellKnownOids).Assembly.GetTypes().Concat(typeof(TimestampAuthority).Assembly.GetTypes())
        from field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        where field.IsLiteral && field.FieldType == typeof(string)
        let value = (string)field.GetRawConstantValue()!
        where OidShape().IsMatch(value)
        select ($"{type.Name}.{field.Name}", value);

    private static IEnumerable<BigInteger> Arcs(string oid) => oid.Split('.').Select(BigInteger.Parse);

    [Fact]
    public void Every_OID_constant_in_Core_that_is_written_has_arcs_below_2_to_the_28()
    {
        var constants = OidConstantsInCore().ToList();
        Assert.Contains(constants, c => c.Oid == WellKnownOids.KeyProtectionAttribute);
        Assert.Contains(constants, c => c.Oid == TimestampAuthority.DefaultPolicyOid);

        var tooLarge = constants
            .Where(c => !ReadOnlyConstants.Contains(c.Name.Split('.')[1]))
            .Where(c => Arcs(c.Oid).Any(arc => arc >= Limit))
            .Select(c => $"{c.Name} = {c.Oid}")
            .ToList();
        Assert.True(tooLarge.Count == 0, string.Join(Environment.NewLine, tooLarge));
    }

    [GeneratedRegex("\"([0-2](?:\\.[0-9]+){2,})\"")]
    private static partial Regex OidLiteral();

    [Fact]
    public void No_source_file_under_src_holds_an_OID_literal_with_an_arc_of_2_to_the_28_or_more_but_the_legacy_one()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "BuildSign.sln"))) root = root.Parent;
        Assert.NotNull(root);
        var sources = Directory.EnumerateFiles(Path.Combine(root.FullName, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(sources);

        var found = (from file in sources
                     from Match match in OidLiteral().Matches(File.ReadAllText(file))
                     let oid = match.Groups[1].Value
                     where Arcs(oid).Any(arc => arc >= Limit)
                     select (File: Path.GetFileName(file), Oid: oid)).ToList();

        Assert.Equal([("WellKnownOids.cs", WellKnownOids.LegacyKeyProtectionAttribute)], found);
    }

    [Fact]
    public void The_legacy_key_protection_OID_is_the_one_the_check_would_refuse()
    {
        // Proves the check above can fail: the old OID's last arc is a 128-bit number.
        Assert.Contains(Arcs(WellKnownOids.LegacyKeyProtectionAttribute), arc => arc >= Limit);
        Assert.All(Arcs(WellKnownOids.KeyProtectionAttribute), arc => Assert.True(arc < Limit));
    }

    [Fact]
    public async Task A_timestamped_PE_signature_contains_no_OID_with_an_arc_of_2_to_the_28_or_more()
    {
        using var dir = new TempDirectory();
        var path = TestPeFiles.Unsigned(dir, TestPeFiles.Pe32Plus);
        await using var server = TestTsa.StartServer();
        using var client = new TimestampClient(TestTsa.FastOptions(server.Url));
        var options = new SigningRunOptions { Paths = [path], OnExistingSignature = ExistingSignatureAction.Replace };
        var plan = await new SigningPlanner(new FormatRegistry([new PeFormat()])).PlanAsync(options, CancellationToken.None);
        await using var key = PeSigning.Key("rsa");
        var result = await new SigningPipeline(key, client).ExecuteAsync(plan, options, CancellationToken.None);
        Assert.Equal(FileSigningStatus.Signed, Assert.Single(result.Files).Status);

        var layout = PeImage.Read(path);
        using var stream = File.OpenRead(path);
        var signature = Assert.Single(WinCertificate.ReadTable(stream, layout.CertificateTable!, path)).Data;
        var oids = new List<string>();
        CollectOids(signature, oids);

        Assert.Contains(WellKnownOids.KeyProtectionAttribute, oids);
        Assert.Contains(TimestampAuthority.DefaultPolicyOid, oids);
        Assert.DoesNotContain(WellKnownOids.LegacyKeyProtectionAttribute, oids);
        Assert.All(oids, oid => Assert.True(Arcs(oid).All(arc => arc < Limit), oid));
    }

    /// <summary>Walks a DER tree, descending into constructed values and into OCTET STRINGs that hold DER.</summary>
    private static void CollectOids(ReadOnlyMemory<byte> der, List<string> oids)
    {
        while (!der.IsEmpty)
        {
            var tag = AsnDecoder.ReadEncodedValue(der.Span, AsnEncodingRules.BER, out var contentOffset, out var contentLength, out var consumed);
            var content = der.Slice(contentOffset, contentLength);
            if (tag.HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                oids.Add(AsnDecoder.ReadObjectIdentifier(der.Span[..consumed], AsnEncodingRules.BER, out _));
            }
            else if (tag.IsConstructed)
            {
                CollectOids(content, oids);
            }
            else if (tag.HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
            {
                // Authenticode and RFC 3161 carry DER inside OCTET STRINGs (the TSTInfo, for one).
                var found = new List<string>();
                try
                {
                    CollectOids(content, found);
                    oids.AddRange(found);
                }
                catch (AsnContentException)
                {
                }
            }
            der = der[consumed..];
        }
    }
}
