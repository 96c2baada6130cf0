using BuildSign.Core.Formats.NuGet;

namespace BuildSign.Core.Tests.Formats.NuGet;

public sealed class LocalHeaderSignatureScannerTests
{
    private static readonly byte[] Record = [(byte)'P', (byte)'K', 3, 4, 9, 9, (byte)'P', (byte)'K', 3, 4, 7];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(64)]
    public void FindsALookalikeHeaderWhateverTheChunking(int chunkSize)
    {
        var scanner = new LocalHeaderSignatureScanner();
        foreach (var chunk in Record.Chunk(chunkSize))
        {
            scanner.Feed(chunk);
        }
        Assert.Equal(6, scanner.FoundAt);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void IgnoresTheRecordsOwnSignature(int chunkSize)
    {
        var scanner = new LocalHeaderSignatureScanner();
        foreach (var chunk in Record.Take(6).Chunk(chunkSize))
        {
            scanner.Feed(chunk);
        }
        Assert.Null(scanner.FoundAt);
    }
}
