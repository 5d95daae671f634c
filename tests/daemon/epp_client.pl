#!/usr/bin/perl
# An EPP client for the daemon tests, on Debian's Net::EPP::Client (RFC
# 5734 framing over IO::Socket::SSL).  Connects to 127.0.0.1:PORT, checking
# the server's certificate against CA, and runs the steps given one a line
# on standard input:
#   send FILE     send FILE's XML as one frame, then read the answer
#   raw HEX       write these bytes as they are (a broken frame)
#   read          read one frame
#   eof           the server must have closed: reading gives no frame
#   sleep SECONDS
# Every frame received is written to OUT-N.xml (N counts from 1, the
# greeting first) and its file name printed on a line; "eof" is printed
# when a read finds the connection closed.  Options after PORT: a client
# certificate and key to present.
use strict;
use warnings;
use Net::EPP::Client;
use Time::HiRes qw(sleep);

my ($port, $ca, $out, $cert, $key) = @ARGV;
die "usage: epp_client.pl PORT CA OUT [CERT KEY]\n" unless defined $out;
my $n = 0;

my %tls = (SSL_ca_file => $ca, SSL_verifycn_scheme => 'default', SSL_verifycn_name => 'localhost',
	   Timeout => 30);
%tls = (%tls, SSL_cert_file => $cert, SSL_key_file => $key) if defined $key;
my $epp = Net::EPP::Client->new(host => '127.0.0.1', port => $port, ssl => 1);

sub got {
	my ($xml) = @_;
	$n++;
	my $file = "$out-$n.xml";
	open(my $fh, '>', $file) or die "$file: $!\n";
	print $fh $xml;
	close($fh);
	print "$file\n";
}

# A frame, or undef when the connection is closed.
sub read_frame {
	my $xml = eval { Net::EPP::Protocol->get_frame($epp->{'connection'}) };
	return $@ ? undef : $xml;
}

got($epp->connect(%tls));
while (my $line = <STDIN>) {
	chomp $line;
	my ($op, $arg) = split(/ /, $line, 2);
	if ($op eq 'send') {
		open(my $fh, '<', $arg) or die "$arg: $!\n";
		my $xml = do { local $/; <$fh> };
		close($fh);
		$epp->send_frame($xml);
		my $answer = read_frame();
		defined $answer ? got($answer) : print "eof\n";
	} elsif ($op eq 'raw') {
		$epp->{'connection'}->print(pack('H*', $arg));
		$epp->{'connection'}->flush();
	} elsif ($op eq 'read') {
		my $answer = read_frame();
		defined $answer ? got($answer) : print "eof\n";
	} elsif ($op eq 'eof') {
		my $answer = read_frame();
		print defined $answer ? "frame\n" : "eof\n";
	} elsif ($op eq 'sleep') {
		sleep($arg);
	} else {
		die "unknown step '$line'\n";
	}
	STDOUT->flush();
}
