package eu.runlater.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Our own literal parsers: inet_aton/WHATWG IPv4, RFC 4291 IPv6, RFC 5952 formatting. */
class IpLiteralsTest {

  private static String ipv4(String host) throws Exception {
    byte[] bytes = IpLiterals.parseIpv4(host);
    return bytes == null ? null : IpLiterals.format(bytes);
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, 127.0.0.1",
    "127.1, 127.0.0.1",
    "127.0.1, 127.0.0.1",
    "10.1.1, 10.1.0.1",
    "2130706433, 127.0.0.1",
    "0x7f000001, 127.0.0.1",
    "0X7F000001, 127.0.0.1",
    "0x7f.0.0.1, 127.0.0.1",
    "0x7f.1, 127.0.0.1",
    "0177.0.0.1, 127.0.0.1",
    "017700000001, 127.0.0.1",
    "0177.1, 127.0.0.1",
    "127.000.000.001, 127.0.0.1",
    "127.0.0.1., 127.0.0.1",
    "0, 0.0.0.0",
    "0x, 0.0.0.0",
    "4294967295, 255.255.255.255",
    "0xffffffff, 255.255.255.255",
    "037777777777, 255.255.255.255",
    "1.0x10.0100.4, 1.16.64.4",
    "0x0000000000007f.1, 127.0.0.1",
  })
  void reads_every_inet_aton_spelling(String host, String address) throws Exception {
    assertThat(ipv4(host)).isEqualTo(address);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com",
        "localhost",
        "1.2.3.com",
        "0xzz",
        "a1",
        "1e3",
        "127.0.0.1.x",
        ".",
        "1.2.3.٣"
      })
  void leaves_host_names_alone(String host) throws Exception {
    assertThat(ipv4(host)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.2.3.256",
        "256.1",
        "4294967296",
        "0x100000000",
        "08",
        "09.0.0.1",
        "1.2.3.4.5",
        "1..2",
        "99999999999999999999999"
      })
  void rejects_numeric_looking_hosts_that_are_no_address(String host) {
    assertThatThrownBy(() -> IpLiterals.parseIpv4(host))
        .isInstanceOf(IpLiterals.MalformedLiteralException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "::1, ::1",
    "::, ::",
    "0:0:0:0:0:0:0:1, ::1",
    "::ffff:127.0.0.1, ::ffff:127.0.0.1",
    "::ffff:7f00:1, ::ffff:127.0.0.1",
    "0:0:0:0:0:ffff:7f00:1, ::ffff:127.0.0.1",
    "2001:DB8::1, 2001:db8::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0:0:1::1, 2001:0:0:1::1",
    "fe80::, fe80::",
    "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
    "1::8, 1::8",
    "1:0:3:4:5:6:7:8, 1:0:3:4:5:6:7:8",
    "64:ff9b::10.1.2.3, 64:ff9b::a01:203",
  })
  void reads_and_formats_ipv6(String text, String canonical) {
    byte[] bytes = IpLiterals.parseIpv6(text.toLowerCase());

    assertThat(bytes).isNotNull();
    assertThat(IpLiterals.format(bytes)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ":",
        ":::",
        "1::2::3",
        "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7::8",
        "12345::1",
        "g::1",
        "::ffff:127.1",
        "::ffff:1.2.3.256",
        "::1.2.3.4:5",
        "1:",
        ":1"
      })
  void rejects_malformed_ipv6(String text) {
    assertThat(IpLiterals.parseIpv6(text)).isNull();
  }
}
