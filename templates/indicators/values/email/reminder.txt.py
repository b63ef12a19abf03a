BBBB BBBB BBBBBBBBBBBBBBBB BBB gettext(u'%(school)s: the indicator values of %(year)s are due by %(date)s.') SSSSSSSSSSS SSS SSSSSSSSS SSSSSS SS SSSSSSSS SSS SSS SS SSSSSSSSS

BB BBBB BB B gettext(u'Today is the last day of the reporting window.') BBBB ngettext(u'The reporting window closes in %(n)s day.', u'The reporting window closes in %(n)s days.', count) SSS SSSSSSSSS SSSSSS SSSSSS SS SSSSS SSSSPPP PPPPPPPPP PPPPPP PPPPPP PP PPPPP PPPPPBBBBB
 gettext(u'Enter the values, then ask the principal to sign them off, so that they reach the ministry in time.') 

 gettext(u'Open the values:')  
BBBBBBBBBBBBB
